"""Field monitoring: how collection is going, read from a validation's rows.

Each view (progress against the sample, enumerators, GPS points, back-checks) is a step
run once the rows are checked: it reads :class:`~villagesurvey.validate.Validation`, puts
its numbers in ``validation.monitoring[name]`` (written to ``summary.json``) and adds what
deserves a look as warnings (:meth:`~villagesurvey.validate.Validation.add_warnings`).
"""
