/* placeholder */
typedef int golden_placeholder;
