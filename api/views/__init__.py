"""The API's views, one module per concern; ``api.urls`` routes them."""
