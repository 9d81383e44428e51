"""The public part of the exercise sheets: one TOML file per chapter (``chNN.toml``).

Each file holds the questions' ids, kinds, points, options, prompts, hints and the format a
compute answer must have, in English and Chinese; :func:`crm_lessons.exercises.get_exercise`
reads it. The answer key (correct options, reference functions) is deliberately *not* in the
package: it lives with the grader (``exercises/key/chNN.py`` in the repository, or the key
folder written by ``crm-lessons exercises release``), see ``exercises/README.md``.
"""
