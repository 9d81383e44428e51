"""CRM Lessons: the helper package behind the Customer Relationship Management (客户关系管理) workbook.

One module per topic of the course; small functions that take and return pandas objects.
"""

__version__ = "0.1.0"


def set_language(lang: str = "en") -> None:
    """Choose the book's language for figures, widgets and displayed tables ("en" or "zh").

    The one call at the top of every chapter: ``crm.set_language(lang)``. See :mod:`crm_lessons.i18n`.
    """
    from crm_lessons import i18n  # imported here: the package itself stays light to import

    i18n.set_language(lang)
