/* Kumo demo release: stands in for a Next.js build until the sample application exists. */
document.documentElement.dataset.kumo = "demo";
