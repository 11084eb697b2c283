"""Deny by default: every page needs a signed-in user unless marked `login_not_required`."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's middleware, except for the API, which answers 401 itself (token or session)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class FrenchByDefaultLocaleMiddleware:
    """French unless the user chose another language (the language cookie set by /i18n/setlang/).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not followed: a landlord's
    staff on an English-configured PC still get the French interface their colleagues see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response


class SensitiveDeniedLogMiddleware:
    """A read refused because it would select people by health data leaves an access-log row
    (who, which page, "accès refusé"), like a page refused for a missing permission."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from vigie.core.sensitivity import SENSITIVE_PERM, SensitiveDataDenied

        if isinstance(exception, SensitiveDataDenied):
            from vigie.core.models import AccessAction
            from vigie.core.services import access_record

            access_record(
                user=request.user,
                action=AccessAction.DENIED,
                detail=SENSITIVE_PERM,
                path=request.path,
            )
        return None


class MethodNotAllowedPageMiddleware:
    """A page address that only takes a form (POST), opened directly or reloaded, answers
    Vigie's French page with the menu instead of an empty "405" the browser shows in English.
    The API keeps its JSON answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not request.path_info.startswith("/api/")
            and not response.content
        ):
            from django.template.response import TemplateResponse

            page = TemplateResponse(request, "405.html", status=405)
            page.render()
            if "Allow" in response:
                page["Allow"] = response["Allow"]
            return page
        return response
