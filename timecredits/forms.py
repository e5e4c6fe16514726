"""Shared help for web forms: services validate, forms only render and show what services said."""

from django import forms

from timecredits.errors import Invalid


class Form(forms.Form):
    """A form whose widgets carry the accessibility attributes their errors need."""

    def full_clean(self):
        # Here rather than in __init__, so a subclass can finish setting up its fields first.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"

    def add_service_errors(self, invalid: Invalid) -> None:
        """Show a service's `Invalid` detail next to the fields it names."""
        for problem in invalid.detail or []:
            field = problem.get("field")
            self.add_error(field if field in self.fields else None, problem["message"])
        if not invalid.detail:
            self.add_error(None, invalid.message)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"
