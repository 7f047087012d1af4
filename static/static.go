// Package static holds the console's stylesheets, scripts and images,
// embedded into the binary so a deployment is one file.
//
// js/htmx.min.js is htmx.org 2.0.11 from npm, vendored unmodified
// (see js/VENDOR.txt for its checksum).
package static

import "embed"

//go:embed css js img
var FS embed.FS
