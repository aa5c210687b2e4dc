"""Use cases: each opens no transaction of its own; it works in the unit of work it is given,
loads through repositories, calls the domain's steps and saves what they return."""
