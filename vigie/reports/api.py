from ninja import Router

router = Router(tags=["rapports et alertes"])
