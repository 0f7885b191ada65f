"""Staff sign-in beyond the password: the second factor, its audit trail and the sessions.

`factors` is the one module that changes a member's factors, `sessions` the one that ends
sessions, `events` the one that writes the security log; views and the middleware call
them.
"""
