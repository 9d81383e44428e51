"""Doctests in crm_lessons draw no windows."""

import matplotlib

matplotlib.use("Agg")
