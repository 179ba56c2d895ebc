import { initAll } from './nhsuk/nhsuk-frontend.min.js'

initAll()

// Bulk changes on the plan page: a button that ticks (or clears) every action on this page.
// Without JavaScript each box is ticked on its own; the form works the same.
for (const form of document.querySelectorAll('.app-bulk-form')) {
  const boxes = [...form.querySelectorAll('input[name="selected"]')]
  if (!boxes.length) continue
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'nhsuk-button nhsuk-button--secondary nhsuk-button--small app-bulk-select-page'
  const label = () => { button.textContent = boxes.every((box) => box.checked) ? 'Clear the actions on this page' : `Select the ${boxes.length} actions on this page` }
  button.addEventListener('click', () => {
    const tick = !boxes.every((box) => box.checked)
    for (const box of boxes) box.checked = tick
    label()
  })
  for (const box of boxes) box.addEventListener('change', label)
  label()
  form.insertBefore(button, form.querySelector('h2, table'))
}

// Wide tables: show "Scroll the table sideways to see more" only while a table is wider than its frame
// (by more than its own borders).
function markWideTables () {
  document.querySelectorAll('.app-table-frame').forEach(function (frame) {
    const scroller = frame.querySelector('.app-table-scroll')
    frame.classList.toggle('app-table-frame--wide', scroller.scrollWidth > scroller.clientWidth + 8)
  })
}
markWideTables()
window.addEventListener('resize', markWideTables)

// NHS.UK's file upload button holds its status ("No file chosen") and its text ("Choose file") side by
// side with no space between them, so its visible text reads "No file chosenChoose file", which its
// accessible name does not contain (WCAG 2.5.3, label in name). A space between them mends both.
document.querySelectorAll('.nhsuk-file-upload__status').forEach(function (status) {
  if (status.nextSibling === null || status.nextSibling.nodeType !== Node.TEXT_NODE) {
    status.after(document.createTextNode(' '))
  }
})
