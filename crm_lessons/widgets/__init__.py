"""Widgets for live demos and exercises.

Each widget only gathers its controls' values, calls the pure functions of its topic module
and renders the result, so every number it shows can be computed and tested without a browser.
"""
