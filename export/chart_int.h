/*
 * chart_int.h — what the chart files share: the chart model (what will be
 * drawn, after collapsing hubs and folding parallel links) and the steps
 * that turn it into a Graphviz graph, frame it and render it.
 *
 * Pipeline (chart_render.c drives it):
 *   chart_model_build   sk_graph → visible nodes + folded edges (no Graphviz)
 *   chart_build         model → cgraph graph with styling (chart_build.c)
 *   gvLayout(engine)    positions for the entities only
 *   chart_frame         title/query/banner header, legend and bottom banner
 *                       placed around the laid-out drawing (chart_frame.c)
 *   gvLayout("nop2")    keeps every position, sizes the frame, renders
 */
#ifndef SK_CHART_INT_H
#define SK_CHART_INT_H

#include <gvc.h>

#include "export_int.h"

/* One drawn node: an entity, or a count node standing for hidden ones. */
typedef struct cnode {
    const sk_rnode *ent;    /* the entity; NULL for a count node */
    const char *type;       /* entity type (count node: of those hidden) */
    size_t count;           /* count node: entities it stands for */
    size_t hub;             /* count node: the cnode it hangs from */
    char name[32];          /* Graphviz node name: "e<id>" or "c<n>" */
} cnode;

/* One drawn line: every link of one type between two drawn nodes. */
typedef struct cedge {
    size_t a, b;            /* cnode indices, a <= b */
    const char *type;
    size_t count;           /* links folded into it */
    size_t fwd, back;       /* directed links a→b and b→a */
    double weight;          /* sum of the links' weights (0 counted as 1) */
    double reliability;     /* best of the links' */
    const char *grade;      /* grade of that best link */
    bool graded;            /* some link carried a grade */
    int64_t t_min, t_max;   /* SK_NO_TIME when no link had a time */
    int16_t off_min, off_max;
    const sk_rlink **links; /* the folded links (owned array) */
} cedge;

typedef struct chart_model {
    cnode *nodes; size_t nnodes;
    cedge *edges; size_t nedges;
    size_t entities;        /* entity nodes drawn */
    size_t hidden;          /* entities hidden in count nodes */
    size_t dropped;         /* links whose ends were not in the result */
    bool scores;            /* some entity has a score: size shows it */
    double score_min, score_max;
    bool communities;       /* some entity has a community: fill shows it */
    bool path;              /* the result is a path (drawn left to right) */
} chart_model;

int chart_model_build(chart_model *m, const sk_graph *g, size_t collapse);
void chart_model_free(chart_model *m);

/* The line style for reliability R of a link (ungraded: "dashed"). */
const char *chart_line_style(const sk_chart_style *s, bool graded, double r);
/* The noun entry of a link type, or NULL. */
const sk_link_style *chart_link_style(const sk_chart_style *s, const char *type);
/* Fill colour of community C (a fixed palette, cycled). */
const char *chart_community_fill(long c);

/* What the frame shows; strings borrowed. */
typedef struct chart_frame_info {
    const char *title, *query, *handling;
    int64_t created; int16_t created_off;
    const char *notice;
} chart_frame_info;

/* Builds the styled graph of M (caller closes it with agclose). */
Agraph_t *chart_build(const chart_model *m, const sk_chart_style *s,
                      bool sanitise, const char *engine);
/* Adds header, legend and footer around the laid-out graph G, whose
 * attributes (pos, bb) were attached after its layout and whose layout was
 * then freed (an engine's cleanup cannot cope with nodes added after it
 * ran). GVC is used for a sizing pass. Returns SK_OK or an error with a message in ERR. */
int chart_frame(GVC_t *gvc, Agraph_t *g, const chart_model *m,
                const sk_chart_style *s, const chart_frame_info *fi,
                char *err, size_t errlen);

/* Sets attribute NAME of OBJ to VALUE (plain strings; see text_gv). */
void gv_set(void *obj, const char *name, const char *value);
/* Sets an HTML-like label. */
void gv_set_html(Agraph_t *g, void *obj, const char *name, const char *html);

#endif /* SK_CHART_INT_H */
