"""Static bundles (core/static_bundles.py): files joined as one, found like any static file, put in place
of their files in a form's media."""

import os

from django import forms
from django.contrib.staticfiles import finders

from core.static_bundles import BundleFinder, bundle_content, media_bundled

CSS = "admin/css/change_form.bundle.css"
JS = "questionnaires/authoring.bundle.js"


def test_a_css_bundle_holds_its_files_without_importing_them_again_and_inlines_small_icons():
    css = bundle_content(CSS).decode()
    assert "/* admin/css/forms.css */" in css and "/* admin/css/widgets.css */" in css
    assert "@import url('widgets.css')" not in css  # the bundle holds widgets.css already
    assert "url(../img/icon-addlink.svg)" not in css and "data:image/svg+xml;base64," in css
    assert "url(../img/selector-icons.svg)" in css  # larger images stay files, relative to admin/css/


def test_a_script_bundle_runs_its_files_in_order_in_strict_mode_without_source_maps():
    js = bundle_content(JS).decode()
    assert js.startswith('"use strict";')
    init = js.index("window.django = {jQuery: jQuery.noConflict(true)}")  # jquery.init.js, after jQuery
    assert js.index("jQuery") < init < js.index("readData")  # then, last, authoring.js
    assert "sourceMappingURL" not in js


def test_a_bundle_is_found_like_any_static_file_and_rewritten_when_a_source_changes(settings, tmp_path):
    settings.STATIC_BUNDLES_ROOT = tmp_path
    finders.get_finder.cache_clear()
    try:
        path = finders.find(JS)
        assert path == str(tmp_path / JS)
        (tmp_path / JS).write_text("stale")
        os.utime(tmp_path / JS, (0, 0))  # older than its sources: written again
        assert BundleFinder().find(JS) == path and "stale" not in (tmp_path / JS).read_text()
        assert [name for name, _ in BundleFinder().list([])] == list(settings.STATIC_BUNDLES)
    finally:
        finders.get_finder.cache_clear()


def test_media_gets_the_bundle_once_in_place_of_its_files_and_loses_what_is_dropped():
    media = forms.Media(
        js=[
            "admin/js/vendor/jquery/jquery.js",  # the unminified name the admin uses under DEBUG
            "admin/js/jquery.init.js",
            "admin/js/actions.js",
            "admin/js/inlines.js",
            "admin/js/calendar.js",
        ],
        css={"all": ["questionnaires/authoring.css"]},
    )
    bundled = media_bundled(media, drop=frozenset({"admin/js/actions.js"}))
    assert bundled._js == [JS, "admin/js/calendar.js"]
    assert bundled._css == {"all": ["questionnaires/authoring.css"]}
