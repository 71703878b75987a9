"""The item bank: store, curriculum reference, items and versions, review, import/export, search."""
