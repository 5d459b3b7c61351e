def test_home_page_lists_modules_for_a_logged_in_user(ui):
    r = ui("Viewer").get("/")
    assert r.status_code == 200
    assert b"partners" in r.data


def test_anonymous_user_is_sent_to_login(app):
    r = app.test_client().get("/partnerview/list/")
    assert r.status_code == 302
    assert "/login" in r.headers["Location"]
