from ninja import Router

router = Router(tags=["suites des appels"])
