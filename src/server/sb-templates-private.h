/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-templates.h"

G_BEGIN_DECLS

/* Our own templates cannot blow up, but the fuzzer writes templates such as
 * ten nested sections over a ten-element array; these bounds turn that into
 * a render error instead of a hang. Both default to unlimited. @max_steps
 * counts template nodes visited. */
void     sb_templates_set_render_limits (SbTemplates        *self,
                                         gsize               max_output,
                                         guint64             max_steps);

/* Compiles @n templates as one unit: they may include each other in any
 * order (a cycle is a compile error) and either all are added or none. */
gboolean sb_templates_add_many          (SbTemplates        *self,
                                         const char * const *names,
                                         const char * const *sources,
                                         gsize               n,
                                         GError            **error);

G_END_DECLS
