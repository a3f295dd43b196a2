"""Discovery: what runs where (collectors, scans, inventory) and what depends on what (graph).

Public API for other domains: ``read(ctx, readers, ...)`` (``tools.discovery.read``) runs
collectors' readers live for a scope, the one way other domains read AWS;
``run_scan(ctx, ...) -> ScanResult`` (``tools.discovery.scan``); and ``InventoryStore(db)``
(``tools.discovery.store``) with ``search``, ``get`` and ``changes``.
"""
