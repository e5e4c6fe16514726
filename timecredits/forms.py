"""Shared help for web forms: services validate, forms only render and show what services said."""

from django import forms

from timecredits.errors import Invalid


class Form(forms.Form):
    """A form whose widgets carry the accessibility attributes their errors need."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}-error"

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
