"""Question banks of the exercise notebooks, one module per chapter.

Each module builds one :class:`crm_lessons.exercises.Exercise` and registers it. The banks are
what the grader trusts: the id, points, options and reference of every question live here,
never in the notebook a student can edit.
"""
