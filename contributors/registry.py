"""Panels, navigation, reminder kinds and sweeps this app adds to the portal."""


def register() -> None:
    pass
