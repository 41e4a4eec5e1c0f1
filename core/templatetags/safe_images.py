"""`{% safe_image image spec attr=value … %}`: Wagtail's `{% image %}` for public pages, which
renders nothing (and logs, core/images.py) when the image's file is missing or damaged."""

from django import template

from core.images import safe_rendition

register = template.Library()


class SafeImageNode(template.Node):
    def __init__(self, image_expr, spec, attrs, output_var_name=None):
        self.image_expr = image_expr
        self.spec = spec
        self.attrs = attrs
        self.output_var_name = output_var_name

    def render(self, context):
        image = self.image_expr.resolve(context)
        rendition = safe_rendition(image, self.spec) if image else None
        if self.output_var_name:
            context[self.output_var_name] = rendition
            return ""
        if rendition is None:
            return ""
        return rendition.img_tag({key: value.resolve(context) for key, value in self.attrs.items()})


@register.tag
def safe_image(parser, token):
    """Same arguments as `{% image %}`: filter specs, then `key=value` attributes, or
    `as name` to put the rendition (None when unavailable) in the context."""
    tag_name, *bits = token.split_contents()
    if not bits:
        raise template.TemplateSyntaxError(f"{tag_name} needs an image and a filter spec")
    image_expr = parser.compile_filter(bits.pop(0))
    output_var_name = None
    if len(bits) >= 2 and bits[-2] == "as":
        output_var_name = bits.pop()
        bits.pop()
    specs, attrs = [], {}
    for bit in bits:
        if "=" in bit:
            key, value = bit.split("=", 1)
            attrs[key] = parser.compile_filter(value)
        elif attrs:
            raise template.TemplateSyntaxError(f"{tag_name}: filter specs come before attributes")
        else:
            specs.append(bit)
    if not specs:
        raise template.TemplateSyntaxError(f"{tag_name} needs a filter spec, e.g. width-960")
    return SafeImageNode(image_expr, "|".join(specs), attrs, output_var_name)
