"""Errors that name the file, the line or field, and what was expected."""

from pathlib import Path


class InputError(ValueError):
    """Bad input: ``InputError(path, "what was expected", line=12)`` or ``field="thickness_mm"``."""

    def __init__(self, path, message, *, line=None, field=None):
        self.path = Path(path) if path is not None else None
        self.line, self.field = line, field
        where = self.path.name if self.path is not None else "<input>"
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")


class HashMismatchError(InputError):
    """A file's sha256 differs from the one its registry or manifest names."""
