from bureau.kernel.registry import register_demo


@register_demo("assistance", order=45)
def load(ctx):
    pass
