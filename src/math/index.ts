// The pure-maths layer: no I/O, usable in Node and in the browser.

