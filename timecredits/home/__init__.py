"""The signed-in home page: what each person sees first, leading to their work."""
