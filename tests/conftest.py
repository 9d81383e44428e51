"""Shared test set-up: draw plots off screen.

Only this process switches backend: setting MPLBACKEND in the environment would leak into the
kernels nbval starts, and their plots would then vanish from the outputs it compares.
"""

import matplotlib

matplotlib.use("Agg")
