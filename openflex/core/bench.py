"""Foundation benchmarks: login page and the sales manager's home page (issue #2)."""

from django.test import Client

from openflex.accounts.models import User
from openflex.core.benchmarking import time_request, timed
from openflex.home.tiles import tiles_for_user


def run(bench, *, scale: int, log) -> None:
    client = Client()
    login = time_request(client, "/connexion/", runs=30)
    bench.add("login_median_ms", login["median"], "ms", note="GET /connexion/")
    log(f"login page: {login['median']:.1f} ms")

    manager = User.objects.get(email="chef-des-ventes@demo.openflex.test")
    client.force_login(manager)
    home = time_request(client, "/", runs=30)
    bench.add("home_manager_median_ms", home["median"], "ms", note="home page, tiles lazy")
    bench.add("home_manager_p95_ms", home["p95"], "ms")
    bench.add("home_manager_queries", home["queries"], "queries")
    tiles = tiles_for_user(manager)

    def load_tiles():
        for tile in tiles:
            response = client.get(f"/accueil/tuiles/{tile.key}/")
            assert response.status_code == 200

    for _ in range(2):
        load_tiles()
    tiles_ms = timed(load_tiles, runs=10)
    bench.add("home_manager_tiles_ms", tiles_ms, "ms", note=f"{len(tiles)} tiles, all counts")
    log(f"home: {home['median']:.1f} ms ({home['queries']} queries), tiles {tiles_ms:.1f} ms")
