// Cloud Ecosystem Hub — the little that htmx cannot do on its own. No inline scripts (strict CSP).
"use strict";
