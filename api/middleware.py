"""django-ninja answers a method an endpoint lacks in plain text: give that 405 the error shape."""

from .errors import method_not_allowed


class MethodNotAllowedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/")
        ):
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return method_not_allowed(request.method, allowed)
        return response
