"""Contributor pages, one module per subject; contributors/urls.py names each view by its module."""
