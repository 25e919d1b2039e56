"""Payment pages, one module per subject; payments/urls.py names each view by its module."""
