/*
 * Embeds the analyzer objects in libanalyzer. The build passes their paths:
 * ANALYZER_RELEASE_OBJ always, ANALYZER_DEBUG_OBJ with the debug-analyzer
 * feature.
 */
	.section .rodata.analyzer_objects, "a"

	.balign 8
	.globl analyzer_embedded_release
	.hidden analyzer_embedded_release
	.type analyzer_embedded_release, @object
analyzer_embedded_release:
	.incbin ANALYZER_RELEASE_OBJ
	.globl analyzer_embedded_release_end
	.hidden analyzer_embedded_release_end
analyzer_embedded_release_end:

#ifdef ANALYZER_DEBUG_OBJ
	.balign 8
	.globl analyzer_embedded_debug
	.hidden analyzer_embedded_debug
	.type analyzer_embedded_debug, @object
analyzer_embedded_debug:
	.incbin ANALYZER_DEBUG_OBJ
	.globl analyzer_embedded_debug_end
	.hidden analyzer_embedded_debug_end
analyzer_embedded_debug_end:
#endif

	.section .note.GNU-stack, "", @progbits
