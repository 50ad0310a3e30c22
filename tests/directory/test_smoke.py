def test_listing_shows_all_real_associations(client, real_data):
    response = client.get("/en/associations/")
    assert response.status_code == 200
    assert "63 International Associations" in response.content.decode()
