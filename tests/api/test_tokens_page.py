"""The account page's tokens: created and shown once, listed, revoked by their owner only."""

import pytest
from django.urls import reverse

from api.models import AccessToken, hash_secret
from tests.api.conftest import bearer, make_token


def _create(client, org, **extra):
    data = {"name": "Warehouse", "scope": f"org:{org.pk}", "access": "read", "days": "30"}
    return client.post(reverse("api:tokens"), data | extra)


def test_a_new_token_is_shown_once_and_stored_hashed(client, leader, org):
    client.force_login(leader)
    response = _create(client, org)
    assert response.status_code == 200
    secret = response.context["secret"]
    token = AccessToken.objects.get()
    assert token.token_hash == hash_secret(secret) and token.organization == org
    assert secret in response.content.decode()
    assert secret not in client.get(reverse("api:tokens")).content.decode()
    assert client.get(reverse("api:programs"), **bearer(secret)).status_code == 200


def test_a_token_reaches_only_an_organization_the_user_belongs_to(client, leader, other_org):
    client.force_login(leader)
    response = _create(client, other_org)
    assert response.status_code == 400
    assert not AccessToken.objects.exists()


def test_a_revoked_token_stops_working(client, leader, org):
    client.force_login(leader)
    secret = make_token(leader, organization=org)
    token = AccessToken.objects.get()
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert client.get(reverse("api:programs"), **bearer(secret)).status_code == 401


def test_no_one_revokes_another_users_token(client, leader, stranger, org):
    make_token(leader, organization=org)
    token = AccessToken.objects.get()
    client.force_login(stranger)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["api:tokens"])
def test_the_token_page_asks_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response.url


def test_revoke_is_post_only(client, leader, org):
    make_token(leader, organization=org)
    client.force_login(leader)
    url = reverse("api:token_revoke", args=[AccessToken.objects.get().pk])
    assert client.get(url).status_code == 405


def test_the_account_page_links_to_the_tokens(client, leader):
    client.force_login(leader)
    assert reverse("api:tokens") in client.get(reverse("account")).content.decode()


def test_the_schema_and_its_documentation_are_served_locally(client, db):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200 and b"/api/v1/assessments/" in schema.content
    docs = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui-bundle.js" in docs and "?script" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs
    script = client.get(reverse("api:docs") + "?script")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
