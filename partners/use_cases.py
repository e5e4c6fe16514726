"""What organisations and their staff do, for pages and API alike: each use case takes the acting
user, checks permission once, loads what it needs and returns what the caller renders."""
