"""Domain errors: a sentence in French a user can act on (conventions, habit 7)."""


class DomainError(Exception):
    """An error the user caused; its message is shown as is."""

    status_code = 400

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        # The form field at fault, when there is one: a page shows the sentence next to it.
        self.field = field


class ConflictError(DomainError):
    status_code = 409


class PermissionDeniedError(DomainError):
    status_code = 403
