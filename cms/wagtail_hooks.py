from wagtail import hooks

from .page_cache import mark_cacheable, policy_for_page


@hooks.register("before_serve_page")
def offer_page_to_cache(page, request, serve_args, serve_kwargs):
    """Let the page cache store this page's response when its type opts in. Restricted pages
    are still safe: Wagtail marks their responses never-cache, which the middleware honours."""
    policy = policy_for_page(page)
    if policy is not None:
        mark_cacheable(request, policy)
