"""The web wing: public pages (``pages``), exports (``exports``), feeds (``feeds``), the
health probe and theme colours (``site``), and list paging (``pagination``)."""
