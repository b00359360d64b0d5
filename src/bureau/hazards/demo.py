from bureau.kernel.registry import register_demo


@register_demo("hazards", order=40)
def load(ctx):
    pass
