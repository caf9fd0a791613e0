"""API of the revenue app (docs/api.md revenue rows), one module per subject: plans and targets,
reports and their import, progress, province standings. A service's ValidationError or
PermissionDenied reaches the client through the core's exception handler."""
