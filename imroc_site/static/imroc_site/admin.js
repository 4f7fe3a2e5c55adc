"use strict";
// Names Django's autocomplete boxes (select2) for screen readers. select2 hides the <select>
// and labels its own box with the chosen item's text, which is empty until something is
// chosen; this gives the box the <select>'s own name (its <label>, or its aria-label) instead.
{
    const nameOf = (select) => {
        const label = select.labels && select.labels[0];
        const text = label ? label.textContent : select.getAttribute("aria-label") || "";
        return text.trim().replace(/:$/, "");
    };

    const nameBoxes = () => {
        for (const select of document.querySelectorAll("select.admin-autocomplete")) {
            const box = select.nextElementSibling;
            const name = nameOf(select);
            if (!box || !box.classList.contains("select2") || !name) {
                continue;
            }
            for (const part of box.querySelectorAll('[role="combobox"], [role="textbox"]')) {
                if (part.getAttribute("aria-label") !== name) {
                    part.setAttribute("aria-label", name);
                }
            }
        }
    };

    // select2 builds its boxes when the page is ready, and again for each row added to an
    // inline: name them whenever the page changes.
    new MutationObserver(nameBoxes).observe(document.documentElement, {
        childList: true,
        subtree: true,
    });
    document.addEventListener("DOMContentLoaded", nameBoxes);
}
