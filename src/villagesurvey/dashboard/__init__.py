"""The supervisor's page: ``dashboard.html``, one self-contained file written by validate.

Each section (progress by village, enumerators and their signals, the map of GPS points,
back-check results, the top problems) is rendered by a module of its own from its block of
``summary.json``'s ``monitoring``.
"""
