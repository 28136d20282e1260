"""`{% chart_svg chart %}`: a kttt.lib.charts Chart as an inline SVG, drawn on the server
(no script, no CDN, nothing fetched by the browser)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from kttt.lib.charts import Chart

register = template.Library()


@register.simple_tag
def chart_svg(chart: Chart | None) -> SafeString:
    """The chart's <svg> element; nothing for None. The SVG is ours (matplotlib's output,
    every text escaped by it or by kttt.lib.charts), so it is marked safe."""
    if chart is None:
        return mark_safe("")
    return mark_safe(chart.svg())
