"""What a derivation check raises: a failure with where it is on the page, or a term in notation."""


class Failure(Exception):
    """What is wrong with a derivation, and where: an offset into the page (None: the directive)."""

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.offset = offset


class Notation(Failure):
    """A term in notation (∂, ∇, Σ, a generic index): nothing to evaluate, so it is skipped."""
