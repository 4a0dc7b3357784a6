"""Making the site: the catalog readers browse, pages, feeds, JSON, sitemap and search."""
