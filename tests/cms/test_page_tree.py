"""The page tree stays sane: each page type lives only where it belongs."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import ContentPage, HomePage, ImpactPage
from programs.models import ProgramIndexPage, ProgramPage
from tests.factories import get_home, make_program_index


class PageTreeTests(WagtailPageTestCase):
    def test_home_page(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {ProgramIndexPage, ContentPage, ImpactPage})
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(ContentPage, HomePage)
        self.assertCanNotCreateAt(ProgramIndexPage, HomePage)

    def test_impact_page(self):
        self.assertAllowedParentPageTypes(ImpactPage, {HomePage})
        self.assertAllowedSubpageTypes(ImpactPage, set())
        self.assertCanCreateAt(HomePage, ImpactPage)
        self.assertCanNotCreateAt(ContentPage, ImpactPage)
        self.assertCanNotCreateAt(Page, ImpactPage)

    def test_content_page(self):
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, ContentPage})
        self.assertAllowedSubpageTypes(ContentPage, {ContentPage})
        self.assertCanCreateAt(HomePage, ContentPage)
        self.assertCanCreateAt(ContentPage, ContentPage)
        self.assertCanNotCreateAt(Page, ContentPage)
        self.assertCanNotCreateAt(ProgramIndexPage, ContentPage)
        self.assertCanNotCreateAt(ProgramPage, ContentPage)

    def test_program_index_page(self):
        self.assertAllowedParentPageTypes(ProgramIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ProgramIndexPage, {ProgramPage})
        self.assertCanCreateAt(HomePage, ProgramIndexPage)
        self.assertCanNotCreateAt(Page, ProgramIndexPage)
        self.assertCanNotCreateAt(ContentPage, ProgramIndexPage)
        self.assertCanNotCreateAt(ProgramIndexPage, ProgramIndexPage)

    def test_program_page(self):
        self.assertAllowedParentPageTypes(ProgramPage, {ProgramIndexPage})
        self.assertAllowedSubpageTypes(ProgramPage, set())
        self.assertCanCreateAt(ProgramIndexPage, ProgramPage)
        self.assertCanNotCreateAt(HomePage, ProgramPage)
        self.assertCanNotCreateAt(ContentPage, ProgramPage)
        self.assertCanNotCreateAt(ProgramPage, ProgramPage)

    def test_only_one_home_page_and_one_programme_index(self):
        home = get_home()
        root = Page.get_first_root_node()
        self.assertFalse(HomePage.can_create_at(root))
        self.assertTrue(ProgramIndexPage.can_create_at(home))
        make_program_index(home)
        self.assertFalse(ProgramIndexPage.can_create_at(home))
