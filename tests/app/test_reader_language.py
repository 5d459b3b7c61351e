"""The reader's language: his browser's on the login page, his own settings at every
login, what he picks in the navbar for the rest of his session."""

from __future__ import annotations

from tests.conftest import ROLE_USERS, ui_login

LOGIN_RU = "Вход"  # FAB's Russian title of the login form
LOGIN_PT = "Entrar"


def test_the_login_page_speaks_the_browsers_language(app):
    for header, expected in (("ru-RU,ru;q=0.9,en;q=0.5", LOGIN_RU), ("pt-BR,pt;q=0.9", LOGIN_PT)):
        page = app.test_client().get("/login/", headers={"Accept-Language": header})
        assert page.status_code == 200
        assert expected in page.get_data(as_text=True), header
    english = app.test_client().get("/login/", headers={"Accept-Language": "de-DE"})
    assert LOGIN_RU not in english.get_data(as_text=True)


def test_a_user_logs_in_to_the_language_of_his_settings(app, ui):
    technician = ui("Technician")
    r = technician.post("/mysettings/", data={"locale": "ru"})
    assert r.status_code == 302
    technician.get("/logout/")
    client = app.test_client()  # an English browser: his settings win
    ui_login(client, ROLE_USERS["Technician"])
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="ru"' in home or "Выход" in home
    other = app.test_client()  # a colleague without a choice: his browser's language
    ui_login(other, ROLE_USERS["Viewer"])
    home = other.get("/", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert "Sair" in home
