"""Plain records of table rows, for reads.

A read renders what it loads and throws it away: the ORM's identity map, change tracking and
instance state cost 10-20 µs per row and buy it nothing. A record is an immutable tuple with the
model's column attributes by name (`record.reference`, `record.committee_id`), made from a Core
result row in well under a microsecond. Writes keep loading ORM instances: a record cannot be
added to a session (SQLAlchemy refuses it as unmapped), so a read's row never slips into a write.

Column types apply in Core as in the ORM (enums, `UTCDateTime`, JSON), so a record holds the same
values as the instance would. The model's properties (`Methodology.version`) are copied onto its
record class, so code that reads them needs no second version.
"""

from collections import namedtuple
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper

_CLASSES: dict[type, type[Any]] = {}
_COLUMNS: dict[type, tuple[sa.ColumnElement[Any], ...]] = {}


def _mapper(model: type) -> Mapper[Any]:
    return sa.inspect(model)


def record_class(model: type) -> type[Any]:
    """The record class of a table model, made once: a slotted tuple named `<Model>Record` with the
    model's column attributes in mapper order, its properties, and `model` pointing back."""
    cls = _CLASSES.get(model)
    if cls is None:
        keys = [attribute.key for attribute in _mapper(model).column_attrs]
        name = f"{model.__name__}Record"
        properties = {key: value for key, value in vars(model).items() if isinstance(value, property)}
        cls = type(name, (namedtuple(name, keys),), {"__slots__": (), "model": model, **properties})
        cls.__doc__ = f"A read-only row of {model.__name__} (see models.records)."
        _CLASSES[model] = cls
    return cls


def record_columns(model: type) -> tuple[sa.ColumnElement[Any], ...]:
    """The table columns to select for `record_class(model)`, in its field order, labelled with the
    attribute name where a column is named otherwise."""
    columns = _COLUMNS.get(model)
    if columns is None:
        columns = tuple(
            column if column.key == attribute.key else column.label(attribute.key)
            for attribute in _mapper(model).column_attrs
            for column in attribute.columns[:1]
        )
        _COLUMNS[model] = columns
    return columns
