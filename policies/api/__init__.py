"""The API wing: the read-only JSON API under /api/v1/ (``views``, ``serializers``,
``paging``, ``errors``), on the same FilterSets as the pages."""
