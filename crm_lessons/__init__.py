"""CRM Lessons: the helper package behind the Customer Relationship Management (客户关系管理) workbook.

One module per topic of the course; small functions that take and return pandas objects.
"""

__version__ = "0.1.0"
