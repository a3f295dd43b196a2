"""Discovery: what runs where (collectors, scans, inventory) and what depends on what (graph).

Public API for other domains: ``run_scan(ctx, ...) -> ScanResult`` (``tools.discovery.scan``) and
``InventoryStore(db)`` (``tools.discovery.store``) with ``search``, ``get`` and ``changes``.
"""
